import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';

/** `POST /v1/admin/tick`. */
@Module({ controllers: [AdminController] })
export class AdminModule {}
