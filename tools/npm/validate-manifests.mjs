// Validates Kubernetes manifests offline against the JSON schemas bundled in kubernetes-models
// (Kubernetes API), @kubernetes-models/strimzi-kafka-operator (kafka.strimzi.io) and
// @kubernetes-models/prometheus-operator (monitoring.coreos.com).
//   node tools/npm/validate-manifests.mjs FILE.yaml...
// Prints one line per document; exits 1 if any document is invalid or of an unknown kind.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODULES = {
  "kafka.strimzi.io/": "@kubernetes-models/strimzi-kafka-operator/",
  "monitoring.coreos.com/": "@kubernetes-models/prometheus-operator/",
};

async function modelClass(apiVersion, kind) {
  let spec;
  const prefix = Object.keys(MODULES).find((p) => apiVersion.startsWith(p));
  if (prefix) spec = MODULES[prefix] + apiVersion;
  else spec = "kubernetes-models/" + apiVersion; // "v1", "apps/v1", "networking.k8s.io/v1", ...
  let mod;
  try {
    mod = await import(spec);
  } catch {
    return undefined;
  }
  return mod[kind];
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      failures++;
      console.log(`FAIL ${file}: YAML: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    const id = `${obj.apiVersion}/${obj.kind} ${obj.metadata?.name ?? "?"}`;
    const Model = obj.apiVersion && obj.kind ? await modelClass(obj.apiVersion, obj.kind) : undefined;
    if (!Model) {
      failures++;
      console.log(`FAIL ${file}: ${id}: no schema for this apiVersion/kind`);
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`OK   ${file}: ${id}`);
    } catch (e) {
      failures++;
      console.log(`FAIL ${file}: ${id}: ${e.message}`);
    }
  }
}
process.exit(failures ? 1 : 0);
