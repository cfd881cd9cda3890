// Starts nhsuk-frontend's components (error summary focus, header menu, radios, …) on every page.
import { initAll } from './nhsuk-frontend.min.js';

initAll();
