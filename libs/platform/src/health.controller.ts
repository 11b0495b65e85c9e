import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { KafkaServers } from '@verity/kafka';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

type Check = 'up' | 'down';

@Controller('health')
export class HealthController {
  constructor(
    private readonly kafka: KafkaServers,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready only when Kafka (producer and every consumer group) and the database answer. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string; checks: Record<string, Check> }> {
    const checks: Record<string, Check> = {
      kafka: this.kafka.isReady() ? 'up' : 'down',
    };
    const db = this.dataSource();
    if (db)
      checks.database = await db.query('SELECT 1').then(
        () => 'up' as const,
        () => 'down' as const,
      );
    const ok = Object.values(checks).every((c) => c === 'up');
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not ready', checks };
  }

  private dataSource(): DataSource | undefined {
    try {
      return this.moduleRef.get(DataSource, { strict: false });
    } catch {
      return undefined;
    }
  }
}
