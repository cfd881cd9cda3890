// A listed service as the API and the pages show it.

export interface ServiceView {
  id: string;
  name: string;
  specialty: { code: string; name: string };
  provider: { odsCode: string; name: string };
  site: { odsCode: string; name: string; postcode: string | null; latitude: number; longitude: number };
  serviceType: string;
  directlyBookable: boolean;
  indicativeWait: { weeks: number; asOf: string } | null;
}
