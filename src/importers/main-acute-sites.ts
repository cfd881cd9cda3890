// Main acute hospitals whose names do not say so (src/domain/site-placement.ts reads "infirmary", "general",
// "university", "district", "royal" and "county"), curated for the demo data set from the trusts' own
// descriptions of their hospitals. A site here counts as acute whatever its name, and comes first among a
// provider's acute sites; a site the hospitals file does not list is simply never matched.
export const MAIN_ACUTE_SITES: ReadonlySet<string> = new Set([
  // West Yorkshire, where the demo accounts work
  'RR813', // St James's University Hospital, Leeds
  'RR801', // Leeds General Infirmary
  'RXF05', // Pinderfields Hospital, Wakefield
  'RAE01', // Bradford Royal Infirmary
  'RWY01', // Huddersfield Royal Infirmary
  'RWY02', // Calderdale Royal Hospital
  // Elsewhere: a trust's main hospital where the hospitals file names it plainly
  'RA901', // Torbay Hospital
  'RAS01', // Hillingdon Hospital
  'RBL14', // Arrowe Park Hospital
  'RBN01', // Whiston Hospital
  'RF4QH', // Queen's Hospital, Romford
  'RF4DG', // King George Hospital, Ilford
  'RGN80', // Peterborough City Hospital
  'RGT01', // Addenbrooke's Hospital
  'RHU03', // Queen Alexandra Hospital, Portsmouth
  'RJ121', // Guy's Hospital
  'RJ122', // St Thomas' Hospital
  'RJC02', // Warwick Hospital
  'RK5BC', // King's Mill Hospital
  'RKEQ4', // The Whittington Hospital
  'RN325', // The Great Western Hospital
  'RNA01', // Russells Hall Hospital
  'RQ8L0', // Broomfield Hospital
  'RQWG0', // Princess Alexandra Hospital, Harlow
  'RR7EN', // Queen Elizabeth Hospital, Gateshead
  'RTK01', // St Peter's Hospital, Chertsey
  'RVJ01', // Southmead Hospital
  'RVR05', // St Helier Hospital
  'RVR50', // Epsom Hospital
  'RVV01', // William Harvey Hospital
  'RVV09', // Queen Elizabeth The Queen Mother Hospital
  'RWF03', // Maidstone Hospital
  'RWFTW', // Tunbridge Wells Hospital at Pembury
  'RXL01', // Blackpool Victoria Hospital
  'RXQ02', // Stoke Mandeville Hospital
  'RYJ01', // St Mary's Hospital, Paddington
  'RYJ02', // Charing Cross Hospital
  'RYR16', // St Richard's Hospital, Chichester
  'RYR18', // Worthing Hospital
  'RTFED', // Wansbeck General Hospital
  'RTFFS', // North Tyneside General Hospital
  'RX1RA', // Queen's Medical Centre, Nottingham
  'RX1CC', // Nottingham City Hospital
  'RXH01', // Royal Sussex County Hospital
  'RXH09', // Princess Royal Hospital, Haywards Heath
]);
