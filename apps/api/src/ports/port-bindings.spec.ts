import { PortBindings } from './port-bindings';
import { UsageSettler } from './usage-settler';

class RecordingSettler implements UsageSettler {
  readonly settled: string[] = [];
  settleAccount(lineAccountId: string): Promise<void> {
    this.settled.push(lineAccountId);
    return Promise.resolve();
  }
}

describe('PortBindings', () => {
  it('hands out the implementation its module bound', async () => {
    const bindings = new PortBindings();
    const settler = new RecordingSettler();
    bindings.bind(UsageSettler, settler);
    await bindings.implementationOf(UsageSettler).settleAccount('account-1');
    expect(settler.settled).toEqual(['account-1']);
  });

  it('names the port that no module implements, and refuses a second implementation', () => {
    const bindings = new PortBindings();
    expect(() => bindings.implementationOf(UsageSettler)).toThrow(/UsageSettler has no implementation/);
    bindings.bind(UsageSettler, new RecordingSettler());
    expect(() => bindings.bind(UsageSettler, new RecordingSettler())).toThrow(/UsageSettler is bound twice/);
  });
});
