import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PROJECTIONS, RELAY, SQL_DATABASE } from '../infrastructure/tokens.js';

/** What operations read from the projection engine (another module's `PROJECTIONS` provider). */
export interface ProjectionStatus {
  name: string;
  checkpoint: string;
  lagEvents: number;
  lagSeconds: number | null;
  status: string;
}

interface ProjectionEngine {
  status(): Promise<ProjectionStatus[]> | ProjectionStatus[];
}

/** What operations read from the relays (`RELAY`, a RelayHost). */
export interface RelayLine {
  name: string;
  lagEvents: number;
  lagSeconds: number;
  failures: number;
  leader: boolean;
}

interface RelayHostLike {
  status(): Promise<RelayLine[]>;
}

/**
 * Finds the projection engine lazily, anywhere in the application: it is optional (a service
 * with `PROJECTOR=external` runs none) and lives in a module this one does not import.
 */
@Injectable()
export class ProjectionsLocator {
  private readonly logger = new Logger('Operations');
  private engine?: ProjectionEngine | null;
  private relay?: RelayHostLike | null;

  constructor(private readonly moduleRef: ModuleRef) {}

  /** The engine, or undefined when the service runs no projections. */
  find(): ProjectionEngine | undefined {
    if (this.engine === undefined) {
      try {
        const candidate = this.moduleRef.get<ProjectionEngine>(PROJECTIONS, { strict: false });
        this.engine = candidate && typeof candidate.status === 'function' ? candidate : null;
      } catch {
        this.engine = null;
      }
      if (this.engine === null) this.logger.debug('No PROJECTIONS provider: readiness and metrics ignore projection lag');
    }
    return this.engine ?? undefined;
  }

  /** Every projection's status; [] without an engine. */
  async status(): Promise<ProjectionStatus[]> {
    const engine = this.find();
    return engine ? await engine.status() : [];
  }

  /** The embedded database's WASM heap in bytes; undefined on PostgreSQL or without a database. */
  embeddedMemoryBytes(): number | undefined {
    try {
      return this.moduleRef.get<{ embeddedMemoryBytes?(): number | undefined }>(SQL_DATABASE, { strict: false })?.embeddedMemoryBytes?.();
    } catch {
      return undefined;
    }
  }

  /** Every relay sink's status; [] without relays. */
  async relays(): Promise<RelayLine[]> {
    if (this.relay === undefined) {
      try {
        const candidate = this.moduleRef.get<RelayHostLike>(RELAY, { strict: false });
        this.relay = candidate && typeof candidate.status === 'function' ? candidate : null;
      } catch {
        this.relay = null;
      }
    }
    return this.relay ? await this.relay.status() : [];
  }
}
