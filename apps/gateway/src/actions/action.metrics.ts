import { Injectable } from '@nestjs/common';
import { Histogram, register } from 'prom-client';

/** The stages of the synchronous path, in the order a run passes them. */
export type ActionStage =
  | 'store'
  | 'publish_intent'
  | 'await_decision'
  | 'record'
  | 'execute'
  | 'publish_result'
  | 'await_masking'
  | 'publish_outcome'
  | 'total';

const NAME = 'verity_gateway_action_stage_seconds';

/** Where the time of one action goes on the gateway's side (what `npm run bench` reports per component). */
@Injectable()
export class ActionMetrics {
  readonly stages =
    (register.getSingleMetric(NAME) as Histogram<'stage'> | undefined) ??
    new Histogram({
      name: NAME,
      help: 'Time of each stage of an action on the synchronous path (total: the whole POST /v1/actions)',
      labelNames: ['stage'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    });

  /** A stopwatch for one run: each lap records the time since the previous one under a stage. */
  stopwatch(): (stage: ActionStage) => void {
    const start = process.hrtime.bigint();
    let last = start;
    return (stage) => {
      const now = process.hrtime.bigint();
      this.stages.observe({ stage }, Number(now - (stage === 'total' ? start : last)) / 1e9);
      last = now;
    };
  }
}
