import { describe, expect, it } from 'vitest';
import { oauthHeader } from '../src/delivery/upload/x.js';

/**
 * X's media requests are signed by relais (src/delivery/upload/x.ts): the local test servers only
 * check that a signature is there, so its value is checked here against the published examples.
 */
const signatureOf = (header: string) => decodeURIComponent(/oauth_signature="([^"]+)"/.exec(header)![1]!);

describe('OAuth 1.0a signature', () => {
  it("gives the signature of X's documentation example (« Creating a signature »)", () => {
    // The example's body parameter (status) is sent here in the query: both are signed alike.
    const url = 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true&status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21';
    const header = oauthHeader(
      'post',
      url,
      { appKey: 'xvz1evFS4wEEPTGEFPHBog', appSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', accessToken: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', accessSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE' },
      { nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg', timestamp: 1318622958 },
    );
    expect(signatureOf(header)).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
    expect(header).toMatch(/^OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0", oauth_signature="/);
  });

  it('gives the signature of the OAuth Core 1.0 example (appendix A.5)', () => {
    const header = oauthHeader(
      'GET',
      'http://photos.example.net/photos?file=vacation.jpg&size=original',
      { appKey: 'dpf43f3p2l4k3l03', appSecret: 'kd94hf93k423kf44', accessToken: 'nnch734d00sl2jdk', accessSecret: 'pfkkdhi9sl3r4s00' },
      { nonce: 'kllo9940pd9333jh', timestamp: 1191242096 },
    );
    expect(signatureOf(header)).toBe('tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
  });

  it('signs afresh: two requests never share a nonce', () => {
    const c = { appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a' };
    const nonce = (h: string) => /oauth_nonce="([^"]+)"/.exec(h)![1];
    expect(nonce(oauthHeader('POST', 'https://api.x.com/2/media/upload/initialize', c))).not.toBe(nonce(oauthHeader('POST', 'https://api.x.com/2/media/upload/initialize', c)));
  });
});
