import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import type { Response } from 'express';
import { parseTilePath } from './tile-path';
import { TilesService } from './tiles.service';

/** C2SP tlog-tiles under /v1/ledger/tlog/: `checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`. */
@Controller('v1/ledger/tlog')
export class TilesController {
  constructor(private readonly tiles: TilesService) {}

  @Get('checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  checkpoint(): Promise<string> {
    return this.tiles.checkpointNote();
  }

  @Get('tile/*path')
  async tile(@Param('path') path: string[] | string, @Res() res: Response): Promise<void> {
    const segments = Array.isArray(path) ? path : path.split('/');
    const ref = parseTilePath(segments);
    if (!ref) throw new DomainError('LEDGER.TILE_NOT_FOUND', `malformed tile path ${segments.join('/')}`);
    const body = await this.tiles.tile(ref);
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.end(body);
  }
}
