import { Injectable, OnModuleInit } from '@nestjs/common';
import { SqlAnalysisV1 } from '@verity/contracts';
import { loadModule, parseSync } from 'libpg-query';
import { analyseParseTree } from './sql-tree';

export type SqlOutcome = { parsed: true; analysis: SqlAnalysisV1; writes: string[] } | { parsed: false; error: string };

/** SQL analysis with PostgreSQL's own parser (libpg_query, compiled to WebAssembly). */
@Injectable()
export class SqlAnalysisService implements OnModuleInit {
  /** Loads the parser once, at boot, so a decision never waits for it. */
  async onModuleInit(): Promise<void> {
    await loadModule();
  }

  analyse(sql: string): SqlOutcome {
    let tree: unknown;
    try {
      tree = parseSync(sql);
    } catch (err) {
      return { parsed: false, error: err instanceof Error ? err.message : String(err) };
    }
    const { writes, ...analysis } = analyseParseTree(tree);
    return { parsed: true, analysis, writes };
  }
}
