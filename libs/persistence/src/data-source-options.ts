import { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

/** What an app tells the persistence lib about its own schema. */
export interface AppPersistence {
  /** The PostgreSQL schema the app owns; no other app reads it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export function dataSourceOptions(url: string, app: AppPersistence, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema: app.schema,
    entities: app.entities,
    migrations: app.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Raw SQL (in migrations too) resolves unqualified names in the app's own schema.
    extra: { max: poolSize, options: `-c search_path=${app.schema},public` },
  };
}
