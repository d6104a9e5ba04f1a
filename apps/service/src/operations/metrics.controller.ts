import { Controller, Get, Header, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { Public } from '../auth/roles.decorator.js';
import { MetricsService } from './metrics.service.js';

/** `GET /metrics`: Prometheus exposition of the service's registry. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    const { contentType, body } = await this.metrics.scrape();
    res.setHeader('Content-Type', contentType);
    return body;
  }
}
