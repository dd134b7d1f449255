"""Cloud providers (fal.ai, Replicate) and the field mappers. Importing this package imports no client:
fal_client and replicate are imported only by fal_provider.py / replicate_provider.py (the [cloud] extra)."""
