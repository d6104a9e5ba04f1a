import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminController } from './admin.controller.js';
import { TickHandler } from './tick/tick.command.js';

/** `POST /v1/admin/tick`. */
@Module({ imports: [CqrsModule], controllers: [AdminController], providers: [TickHandler] })
export class AdminModule {}
