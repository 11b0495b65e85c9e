import { Injectable, OnModuleInit } from '@nestjs/common';
import { SqlAnalysisV1 } from '@verity/contracts';
import { loadModule, parseSync } from 'libpg-query';
import { analyseParseTree, SqlFacts } from './sql-tree';

/** `analysis` is what the decision event carries; `facts` is everything, for the policies. */
export type SqlOutcome = { parsed: true; analysis: SqlAnalysisV1; facts: SqlFacts } | { parsed: false; error: string };

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
    const facts = analyseParseTree(tree);
    const { statementKinds, tablesRead, tablesWritten, readOnly, classes, functions, statementCount } = facts;
    const { deleteWithoutWhere, updateWithoutWhere } = facts;
    const analysis: SqlAnalysisV1 = {
      statementKinds,
      tablesRead,
      tablesWritten,
      readOnly,
      classes,
      functions,
      deleteWithoutWhere,
      updateWithoutWhere,
      statementCount,
    };
    return { parsed: true, analysis, facts };
  }
}
