"use strict";
// Swagger UI on the server's own OpenAPI document. A file, not an inline script, so the page
// runs under a Content-Security-Policy without 'unsafe-inline'.
window.ui = SwaggerUIBundle({
  url: new URL("../openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  showExtensions: true,
  showCommonExtensions: true,
  // The default would load a badge from a public validator: nothing leaves this server.
  validatorUrl: null,
});
