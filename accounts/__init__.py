"""Site-wide sign-in and security: idle logout, lockout page, security log, middleware."""
