// Validates every object of a multi-document YAML file (the argument, or stdin) against the kubernetes-models schemas: required
// fields, types and enums of the object's own apiVersion and kind. Prints one line per problem; exits 1 on any.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";

const models = dirname(createRequire(import.meta.url).resolve("kubernetes-models/package.json"));
const problems = [];
let checked = 0;
for (const document of parseAllDocuments(readFileSync(process.argv[2] ?? 0, "utf8"))) {
  const object = document.toJS();
  if (!object) continue;
  const { apiVersion = "", kind = "" } = object;
  const name = `${kind} ${object.metadata?.name ?? "?"} (${apiVersion})`;
  // Core objects live under v1/, the others under their group and version: apps/v1/Deployment.js.
  const module = join(models, apiVersion, `${kind}.js`);
  if (!existsSync(module)) {
    problems.push(`${name}: kubernetes-models has no ${kind} in ${apiVersion}`);
    continue;
  }
  const { [kind]: Model } = await import(module);
  try {
    new Model(object).validate();
    checked++;
  } catch (error) {
    problems.push(`${name}: ${error.message.split("\n").join(" ")}`);
  }
}
for (const problem of problems) console.log(problem);
console.log(`${checked} objects valid, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
