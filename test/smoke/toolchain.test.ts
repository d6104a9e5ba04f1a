import { Injectable, Module } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';

class Ping extends Command<string> {
  constructor(readonly who: string) {
    super();
  }
}

@Injectable()
class Greeter {
  greet(who: string): string {
    return `pong ${who}`;
  }
}

@CommandHandler(Ping)
class PingHandler implements ICommandHandler<Ping> {
  constructor(private readonly greeter: Greeter) {}
  async execute(command: Ping): Promise<string> {
    return this.greeter.greet(command.who);
  }
}

@Module({ imports: [CqrsModule.forRoot()], providers: [Greeter, PingHandler] })
class SmokeModule {}

describe('toolchain', () => {
  it('runs a typed command through the Nest 12 CommandBus with DI', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SmokeModule] }).compile();
    await moduleRef.init();
    const result = await moduleRef.get(CommandBus).execute(new Ping('jest'));
    expect(result).toBe('pong jest');
    await moduleRef.close();
  });
});
