import { connectionStringPassword, maskConnectionString, normalizeConnectionString } from './connection-string.js';
import { DbClientConnection } from './client.js';

describe('connection strings', () => {
  it.each([
    ['esdb://admin:changeit@localhost:2113?tls=false', 'esdb://admin:***@localhost:2113?tls=false'],
    ['esdb+discover://ops:s3cret@cluster.local:2113', 'esdb+discover://ops:***@cluster.local:2113'],
    ['esdb://admin:p@ss:w/rd@node1:2113,node2:2113', 'esdb://admin:***@node1:2113,node2:2113'],
    ['kurrentdb://u:p@h:2113', 'kurrentdb://u:***@h:2113'],
    ['esdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['esdb://admin@localhost:2113', 'esdb://admin@localhost:2113'],
    ['not a url', 'not a url'],
  ])('masks %s', (input, masked) => {
    expect(maskConnectionString(input)).toBe(masked);
  });

  it('finds the password to scrub', () => {
    expect(connectionStringPassword('esdb://admin:p@ss@h:1')).toBe('p@ss');
    expect(connectionStringPassword('esdb://admin@h:1')).toBeUndefined();
    expect(connectionStringPassword('esdb://h:1')).toBeUndefined();
  });

  it.each([
    ['esdb://localhost:2113?tls=false', 'kurrentdb://localhost:2113?tls=false'],
    ['esdb+discover://a:b@h:2113', 'kurrentdb+discover://a:b@h:2113'],
    ['kurrent://h:2113', 'kurrentdb://h:2113'],
    [' kurrentdb://h:2113 ', 'kurrentdb://h:2113'],
  ])('rewrites %s to the kurrentdb scheme', (input, output) => {
    expect(normalizeConnectionString(input)).toBe(output);
  });

  it('hands the normalised string to the client parser (no connection is made)', async () => {
    const connection = DbClientConnection.fromConnectionString('esdb://admin:changeit@localhost:2113?tls=false');
    await connection.close();
    expect(() => DbClientConnection.fromConnectionString('http://localhost:2113')).toThrow();
  });
});
