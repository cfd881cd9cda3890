// The shortlist answer's serialisation alone, the zod serializer the rest of the app uses against the compiled one
// (src/http/compiled-serializer.ts) and a fields= selection: interleaved rounds, so a busy machine hurts all alike.
//   node bench/shortlist-serializer.ts [rounds]
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { compiledSerializerCompiler } from '../src/http/compiled-serializer.ts';
import { FieldSerializers } from '../src/http/sparse-fields.ts';
import { ShortlistAnswerSchema } from '../src/shortlist/schemas.ts';

const option = (rank: number) => ({
  rank,
  service: {
    id: `RR8-110-RR813-${rank}`, name: 'Trauma and Orthopaedics at St James\'s University Hospital',
    specialty: { code: '110', name: 'Trauma and Orthopaedics' }, provider: { odsCode: 'RR8', name: 'Leeds Teaching Hospitals NHS Trust' },
    site: { odsCode: 'RR813', name: 'St James\'s University Hospital', postcode: 'LS9 7TF', latitude: 53.806, longitude: -1.52 },
    serviceType: 'First outpatient', directlyBookable: true, indicativeWait: { weeks: 14.5, asOf: '2026-04-30' },
  },
  distanceKm: 2.7, distanceMiles: 1.7, indicativeWaitWeeks: 14.5, earliestSlot: '2026-12-08T09:00:00.000Z',
  travel: { estimatedCostGbp: 1.53, basis: 'a return trip of 3.4 miles at 45p a mile (the NHS Healthcare Travel Costs Scheme rate)' },
  reasons: ['the 2nd shortest wait of 489 matching services (14.5 weeks)', '2.7 km (1.7 miles) from LS1 4AP', 'you can book an appointment straight away'],
});
const answer = {
  origin: { postcode: 'LS1 4AP', latitude: 53.795456, longitude: -1.555724, precision: 'postcode' },
  specialty: { code: '110', name: 'Trauma and Orthopaedics' }, sortBy: 'WAIT', maxDistanceKm: 80, eligibleCount: 489,
  options: [1, 2, 3, 4, 5].map(option), shortfall: null,
};
const route = { schema: ShortlistAnswerSchema, method: 'POST', url: '/api/v1/shortlists', httpStatus: '200' };
const writers = {
  'zod encode + JSON.stringify': zodSerializerCompiler(route as never) as (d: unknown) => string,
  'compiled (fast-json-stringify)': compiledSerializerCompiler([ShortlistAnswerSchema])(route),
  'compiled, fields=options.rank,options.service.name,options.distanceKm': new FieldSerializers(ShortlistAnswerSchema).for(['options.distanceKm', 'options.rank', 'options.service.name']),
};
const rounds = Number(process.argv[2] ?? 10);
const perRound = 20_000;
const best = new Map<string, number>();
for (let r = 0; r < rounds; r++) {
  for (const [name, write] of Object.entries(writers)) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) write(answer);
    const us = ((performance.now() - t0) * 1000) / perRound;
    best.set(name, Math.min(best.get(name) ?? Infinity, us));
  }
}
for (const [name, write] of Object.entries(writers)) console.log(`${name.padEnd(72)} ${best.get(name)!.toFixed(1).padStart(6)} µs per answer (best of ${rounds} rounds), ${write(answer).length} bytes`);
