// Prints the rows of one DuckDB SQL query as JSON: an independent Parquet
// reader for the interoperability test (simulate/interop_test.go).
// Usage: NODE_PATH=<dir>/node_modules node scripts/duckdb-query.mjs "SELECT ..."
import { createRequire } from 'node:module';
const require = createRequire(process.env.NODE_PATH + '/');
const { DuckDBInstance } = require('@duckdb/node-api');
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const reader = await con.runAndReadAll(process.argv[2]);
console.log(JSON.stringify(reader.getRowObjectsJson()));
