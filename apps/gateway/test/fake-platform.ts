// Policy and masking played on the real topics of the real broker, for the gateway's int tests:
// it answers only for sessions whose id holds the test run's id, and records all their events.
import {
  ActionDecided,
  ActionDecidedV1,
  ActionDenied,
  ActionExecuted,
  ActionFailed,
  ActionRequested,
  ActionRequestedV1,
  createEvent,
  EnvelopeV1,
  EventDefinition,
  EventEnvelope,
  ResultCaptured,
  ResultCapturedV1,
  ResultMasked,
} from '@verity/contracts';
import { testKafkaBrokers, waitFor } from '@verity/testing';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';

/** What the fake policy answers for a session. */
export type PolicyScript =
  { decisions: Array<Pick<ActionDecidedV1, 'decision' | 'reasons' | 'policyIds' | 'obligations'>> } | 'silent';
/** What the fake masker does for a session: mask these columns, or never answer. */
export type MaskerScript = { maskColumns: string[] } | 'silent';

export const allow = (obligations: ActionDecidedV1['obligations'] = {}): PolicyScript => ({
  decisions: [{ decision: 'allow', reasons: ['test allows'], policyIds: ['test-allow'], obligations }],
});

export class FakePlatform {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  readonly seen: EnvelopeV1[] = [];
  /** Scripts by session id, or by the actor's subject (for sessions the gateway names). */
  readonly policy = new Map<string, PolicyScript>();
  readonly masker = new Map<string, MaskerScript>();

  /** `run`: the id every session of this test holds; `defaultMask`: columns masked when no script says. */
  constructor(
    private readonly run: string,
    private readonly defaultMask: string[] = ['email'],
  ) {
    this.kafka = new Kafka({
      clientId: `gateway-int-test-${run}`,
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    });
    this.producer = this.kafka.producer();
    this.consumer = this.kafka.consumer({ groupId: `gateway-int-test.${run}`, maxWaitTimeInMs: 20 });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    const topics = [
      ActionRequested,
      ResultCaptured,
      ActionDecided,
      ActionDenied,
      ActionFailed,
      ActionExecuted,
      ResultMasked,
    ].map((d) => d.topic);
    await this.consumer.subscribe({ topics, fromBeginning: false });
    let fetched = false;
    this.consumer.on(this.consumer.events.FETCH, () => (fetched = true));
    await this.consumer.run({
      partitionsConsumedConcurrently: 8,
      eachMessage: async ({ message }) => this.handle(JSON.parse(String(message.value))),
    });
    // Offsets of a new group resolve on its first fetch; nothing before that may be missed.
    await waitFor(() => fetched, { what: 'the fake platform to start fetching', timeoutMs: 30_000 });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  events<T>(def: EventDefinition<T & object>, actionId: string): EventEnvelope<T>[] {
    return this.seen.filter((e) => e.type === def.type && e.actionid === actionId) as unknown as EventEnvelope<T>[];
  }

  /** The one event of this type for the action, once it has arrived. */
  one<T>(def: EventDefinition<T & object>, actionId: string): Promise<EventEnvelope<T>> {
    return waitFor(() => this.events(def, actionId)[0], { what: `${def.type} for ${actionId}` });
  }

  private async handle(event: EnvelopeV1): Promise<void> {
    // Wire connections get their session id from the gateway: their test subject holds the run id.
    if (!event.sessionid?.includes(this.run) && !event.actor?.subject?.includes(this.run)) return;
    this.seen.push(event);
    if (event.type === ActionRequested.type) await this.decide(event as EventEnvelope<ActionRequestedV1>);
    if (event.type === ResultCaptured.type) await this.mask(event as EventEnvelope<ResultCapturedV1>);
  }

  private async decide(requested: EventEnvelope<ActionRequestedV1>): Promise<void> {
    const script = this.policy.get(requested.sessionid) ?? this.policy.get(requested.actor.subject) ?? allow();
    if (script === 'silent') return;
    for (const decision of script.decisions) {
      await this.send(ActionDecided, requested, { ...decision, bundleRevision: 'test' }, '/verity/policy');
    }
  }

  private async mask(captured: EventEnvelope<ResultCapturedV1>): Promise<void> {
    const script = this.masker.get(captured.sessionid) ?? { maskColumns: this.defaultMask };
    if (script === 'silent') return;
    const { result, resultDigest, profile } = captured.data;
    const indexes = script.maskColumns.map((c) => result.columns.indexOf(c)).filter((i) => i >= 0);
    const rows = result.rows.map((row) => row.map((v, i) => (indexes.includes(i) && v !== null ? '[MASKED]' : v)));
    const count = (i: number) => result.rows.filter((row) => row[i] !== null).length;
    const fields = indexes.map((i) => ({ field: result.columns[i], entities: { TEST: count(i) } }));
    const report = { profile, maskedValues: fields.reduce((n, f) => n + f.entities.TEST, 0), fields };
    await this.send(ResultMasked, captured, { resultDigest, result: { ...result, rows }, report }, '/verity/masking');
  }

  private async send<T extends object>(
    def: EventDefinition<T>,
    cause: EnvelopeV1,
    data: T,
    source: string,
  ): Promise<void> {
    const event = createEvent(def, {
      source,
      actionId: cause.actionid,
      sessionId: cause.sessionid,
      actor: cause.actor,
      causationId: cause.id,
      data,
    });
    await this.producer.send({ topic: def.topic, messages: [{ key: event.sessionid, value: JSON.stringify(event) }] });
  }
}
