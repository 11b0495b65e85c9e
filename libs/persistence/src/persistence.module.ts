import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadConfig, PlatformConfig } from '@verity/config';
import { AppPersistence, dataSourceOptions } from './data-source-options';
import { ensureDatabase, ensureSchema } from './ensure-database';

/**
 * TypeORM on the app's own schema. At boot it creates the database and schema when missing,
 * then runs the app's migrations; `synchronize` stays off.
 */
@Module({})
export class PersistenceModule {
  static forApp(app: AppPersistence): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            const { DATABASE_URL } = loadConfig(PlatformConfig);
            await ensureDatabase(DATABASE_URL);
            await ensureSchema(DATABASE_URL, app.schema);
            return dataSourceOptions(DATABASE_URL, app);
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
