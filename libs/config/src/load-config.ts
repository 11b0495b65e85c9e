import 'reflect-metadata';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads environment variables into a validated config class. Property names are the variable
 * names; class defaults apply when a variable is unset. Throws ConfigError listing every
 * problem, so a service fails at boot rather than on first use.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const raw = env[key];
    const fallback = defaults[key];
    if (raw === undefined || raw === '') values[key] = fallback;
    // Typed by its default: the class needs no type annotations for numbers and booleans.
    else if (typeof fallback === 'number') values[key] = /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    else if (typeof fallback === 'boolean') values[key] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else values[key] = raw;
  }
  const config = plainToInstance(cls, values);
  const errors = validateSync(config, {
    whitelist: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`)));
  }
  return config;
}
