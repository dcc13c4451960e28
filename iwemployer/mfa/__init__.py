"""Two-step verification: a code from an authenticator app (TOTP) after the password."""
