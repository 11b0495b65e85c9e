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
    values[key] = raw === undefined || raw === '' ? defaults[key] : raw;
  }
  const config = plainToInstance(cls, values, {
    enableImplicitConversion: true,
  });
  const errors = validateSync(config, {
    whitelist: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`)));
  }
  return config;
}
