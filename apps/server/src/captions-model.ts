/**
 * Downloads a sherpa-onnx captions model from its official release, checks its SHA-256, unpacks it
 * into DATA_DIR/models and prints the settings that use it.
 *
 *   npm run captions:model -- <name>                  a model from captions/known-models.ts
 *   npm run captions:model -- <name> --sha256 <hex>   any other archive of the asr-models release
 *
 * CAPTIONS_MODEL_BASE_URL replaces the release's address (a mirror; the tests' local server).
 */
import path from 'node:path';
import { KNOWN_MODELS, MODELS_BASE_URL } from './captions/known-models';
import { installModel, ModelDownloadError } from './captions/model-download';
import { ConfigError, loadConfig } from './config';

const USAGE = `usage: npm run captions:model -- <name> [--sha256 <hex>]
known models:
${Object.entries(KNOWN_MODELS)
  .map(([name, m]) => `  ${name}  (${(m.bytes / 1e6).toFixed(0)} MB) ${m.about}`)
  .join('\n')}`;

async function main(args: string[]): Promise<number> {
  const shaAt = args.indexOf('--sha256');
  const sha256 = shaAt >= 0 ? args[shaAt + 1] : undefined;
  const rest = shaAt >= 0 ? args.filter((_, i) => i !== shaAt && i !== shaAt + 1) : args;
  const [given, ...extra] = rest;
  if (!given || extra.length > 0 || (shaAt >= 0 && !/^[0-9a-fA-F]{64}$/.test(sha256 ?? ''))) {
    console.error(USAGE);
    return 2;
  }
  const name = given.replace(/\.tar\.bz2$/, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    console.error(`not a model name: ${given}\n${USAGE}`);
    return 2;
  }
  const known = KNOWN_MODELS[name];
  if (!known && !sha256) {
    console.error(
      `${name} is not a model this command knows. Give the SHA-256 of its archive with --sha256, or pick one of these.\n${USAGE}`,
    );
    return 2;
  }
  const config = loadConfig(process.env);
  const modelsDir = path.resolve(config.DATA_DIR, 'models');
  const dir = await installModel({
    name,
    archive: sha256 ? { file: `${name}.tar.bz2`, sha256 } : (known as NonNullable<typeof known>),
    extras: known?.extras,
    baseUrl: (process.env.CAPTIONS_MODEL_BASE_URL || MODELS_BASE_URL).replace(/\/+$/, ''),
    modelsDir,
    log: (line) => console.error(line),
  });
  console.error('Start Earshot with these settings (or put them in its environment):');
  console.log(`CAPTIONS_ENGINE=sherpa-onnx CAPTIONS_MODEL=${dir}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof ModelDownloadError || err instanceof ConfigError ? err.message : err);
    process.exitCode = 1;
  },
);
