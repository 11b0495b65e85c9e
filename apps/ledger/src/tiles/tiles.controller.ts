import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import type { Response } from 'express';
import { parseTilePath } from './tile-path';
import { TilesService } from './tiles.service';

function shardParam(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new DomainError('LEDGER.SHARD_INVALID', `shard must be an integer 0..65535, got ${value.slice(0, 20)}`);
  }
  return Number(value);
}

/**
 * C2SP tlog-tiles of each shard's log: `checkpoint`, `tile/<L>/<N>[.p/<W>]`,
 * `tile/entries/<N>[.p/<W>]` under `/v1/ledger/shards/<shard>/tlog/`, and shard 0's also under
 * `/v1/ledger/tlog/` (a single-partition ledger's one log).
 */
@Controller('v1/ledger')
export class TilesController {
  constructor(private readonly tiles: TilesService) {}

  @Get('tlog/checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  checkpoint(): Promise<string> {
    return this.tiles.checkpointNote(0);
  }

  @Get('tlog/tile/*path')
  tile(@Param('path') path: string[] | string, @Res() res: Response): Promise<void> {
    return this.send(0, path, res);
  }

  @Get('shards/:shard/tlog/checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  shardCheckpoint(@Param('shard') shard: string): Promise<string> {
    return this.tiles.checkpointNote(shardParam(shard));
  }

  @Get('shards/:shard/tlog/tile/*path')
  shardTile(
    @Param('shard') shard: string,
    @Param('path') path: string[] | string,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(shardParam(shard), path, res);
  }

  private async send(shard: number, path: string[] | string, res: Response): Promise<void> {
    const segments = Array.isArray(path) ? path : path.split('/');
    const ref = parseTilePath(segments);
    if (!ref) throw new DomainError('LEDGER.TILE_NOT_FOUND', `malformed tile path ${segments.join('/')}`);
    const body = await this.tiles.tile(shard, ref);
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.end(body);
  }
}
