import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventDefinition, EventEnvelope, validateEvent, DomainError, deadLetterTopic } from '@verity/contracts';
import { IHeaders, Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { KAFKA_CLIENT } from './kafka.tokens';

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  code: string;
  reasons: string[];
}

/**
 * The only way services write to Kafka: a registered event with its matching payload, checked
 * against its contract before it leaves, keyed by the definition's key function.
 */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;
  private up = false;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on('producer.disconnect', () => (this.up = false));
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().then(() => {
      this.up = true;
    });
    return this.connected;
  }

  isConnected(): boolean {
    return this.up;
  }

  async publish<T extends object>(def: EventDefinition<T>, event: EventEnvelope<T>): Promise<void> {
    // Serialised once: the bytes checked against the contract are the bytes sent.
    const value = JSON.stringify(event);
    const checked = validateEvent(def, JSON.parse(value));
    if (!checked.ok) {
      throw new DomainError('CONTRACT.INVALID_EVENT', `refusing to publish an invalid ${def.type}`, checked.errors);
    }
    const key = def.key(event);
    if (!key) throw new DomainError('CONTRACT.EMPTY_KEY', `${def.type} has an empty key`);
    await this.connect();
    await this.producer.send({
      topic: def.topic,
      // Resolved only once every in-sync replica has the event: what "durably in Kafka" means here.
      acks: -1,
      messages: [
        {
          key,
          value,
          headers: { 'ce-type': def.type, 'ce-id': event.id },
        },
      ],
    });
  }

  /** Puts a message that could not be processed on `<topic>.dlq`, with why. */
  /** Dead-letters a consumed message as it came, with why. */
  deadLetterMessage(
    source: { topic: string; partition: number; message: KafkaMessage },
    code: string,
    reasons: string[],
  ): Promise<void> {
    const { topic, partition, message } = source;
    const { offset, key, value, headers } = message;
    return this.deadLetter({ topic, partition, offset, key, value, headers, code, reasons });
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    await this.connect();
    await this.producer.send({
      topic: deadLetterTopic(letter.topic),
      messages: [
        {
          key: letter.key ?? 'unkeyed',
          value: letter.value,
          headers: {
            ...letter.headers,
            'verity-dlq-code': letter.code,
            'verity-dlq-reason': letter.reasons.join('; ').slice(0, 4000),
            'verity-dlq-source': `${letter.topic}/${letter.partition}/${letter.offset}`,
            'verity-dlq-time': new Date().toISOString(),
          },
        },
      ],
    });
    this.logger.warn(
      {
        topic: letter.topic,
        offset: letter.offset,
        code: letter.code,
        reasons: letter.reasons,
      },
      'message dead-lettered',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}
