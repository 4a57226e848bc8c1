"""Running PolicyPulse as a service: security headers, the production server, health,
schedules, backups and the Redis-backed pieces that let many workers share one month."""
