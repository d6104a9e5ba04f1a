import { InMemoryEsdbConnection } from './in-memory-connection.js';
import { serverFilterFor } from './filters.js';
import { WakeFeeds } from './wake-feeds.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('the EventStoreDB wake-up feeds', () => {
  it('opens one live feed per distinct filter and closes it with its last listener', async () => {
    // given two listeners on one filter and one on another
    const connection = new InMemoryEsdbConnection();
    const feeds = new WakeFeeds(connection);
    const offA = feeds.on(serverFilterFor({ streamPrefix: 'subscriber-' }), () => undefined);
    const offB = feeds.on(serverFilterFor({ streamPrefix: 'subscriber-' }), () => undefined);
    const offC = feeds.on(serverFilterFor({ types: ['Enrolled'] }), () => undefined);
    // then two feeds are live
    expect(connection.liveFeeds).toBe(2);
    expect(feeds.open).toBe(2);
    // when one filter loses one of its listeners, its feed stays; when it loses both, it closes
    offA();
    expect(feeds.open).toBe(2);
    offB();
    await tick();
    expect(feeds.open).toBe(1);
    expect(connection.liveFeeds).toBe(1);
    offC();
    await tick();
    expect(connection.liveFeeds).toBe(0);
  });

  it('wakes every listener on a local append, and again once a dropped feed is re-established', async () => {
    // given a listener on a live feed that has confirmed
    const connection = new InMemoryEsdbConnection();
    const feeds = new WakeFeeds(connection);
    let wakes = 0;
    feeds.on(serverFilterFor({}), () => wakes++);
    await tick();
    const confirmed = wakes;
    expect(confirmed).toBeGreaterThan(0);
    // when this process appends, then the listener is woken at once
    feeds.wakeLocal();
    expect(wakes).toBe(confirmed + 1);
    // when the feed drops, then it is opened again after the back-off and the listener told to read again
    connection.dropFeeds();
    expect(connection.liveFeeds).toBe(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(connection.liveFeeds).toBe(1);
    expect(wakes).toBeGreaterThan(confirmed + 1);
    // when closed, then no feed is left and none comes back
    feeds.close();
    connection.dropFeeds();
    await new Promise((r) => setTimeout(r, 400));
    expect(connection.liveFeeds).toBe(0);
    expect(feeds.open).toBe(0);
  });
});
