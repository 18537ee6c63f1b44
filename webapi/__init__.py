"""HTTP plumbing that the staff console (console/) and the clients' portal (portal/) share: API errors as JSON,
the security headers of every response, and the validation of request bodies and parameters. No domain here
and no import of the project's other folders: each app maps its own domain errors (webapi.errors.json_errors)."""
