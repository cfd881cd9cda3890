import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isPublishableWebAddress } from './web-address.ts';

test('https addresses with a host of more than one label, and nothing else', () => {
  for (const ok of ['https://www.england.nhs.uk/choice', 'https://wyicb.nhs.uk/transport?x=1#a']) assert.equal(isPublishableWebAddress(ok), true, ok);
  for (const bad of ['http://www.england.nhs.uk', 'https://intranet/page', 'ftp://x.nhs.uk', 'javascript:alert(1)', 'www.nhs.uk', '', 'https://']) {
    assert.equal(isPublishableWebAddress(bad), false, bad);
  }
});

test('property: never throws, and whatever it accepts is https', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.webUrl()), (s) => {
    if (isPublishableWebAddress(s)) assert.equal(new URL(s).protocol, 'https:');
  }));
});
