// Runnable entry point: node dist/src/train/main.js [model ...] — trains (or finds cached) the
// named example models (all by default) and prints where they are and how accurate they are.
import { ensureModel, MODEL_NAMES, trainedInfo, type ModelName } from './models.js';

const args = process.argv.slice(2);
const names = (args.length > 0 ? args : MODEL_NAMES) as ModelName[];
for (const name of names) {
  if (!MODEL_NAMES.includes(name)) {
    console.error(`unknown model ${name}; known: ${MODEL_NAMES.join(', ')}`);
    process.exit(2);
  }
  const path = ensureModel(name);
  const info = trainedInfo(name)!;
  console.log(`${name}: ${path} — float accuracy ${(info.accuracy * 100).toFixed(2)}% on ${info.evaluatedOn} (trained in ${info.trainingMs} ms)`);
}
