// Starts nhsuk-frontend's components (error summary focus, header menu, radios, …) on every page.
import { initAll } from './nhsuk-frontend.min.js';

initAll();

// "Print this letter" buttons (no inline script: the CSP allows only scripts with this response's nonce).
for (const button of document.querySelectorAll('[data-print]')) button.addEventListener('click', () => window.print());
