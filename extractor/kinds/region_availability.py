"""The ``region_availability`` kind: where a model or feature (``subject``) is listed as
available."""

from extractor.kinds.base import Attribute, Kind

KIND = Kind(
    name="region_availability",
    subject_keys=("subject", "version", "deployment_type", "region"),
    attributes=(Attribute("available", "boolean"),),
    title="Region availability",
    recogniser="extractor.recognisers.region_availability:RegionAvailabilityRecogniser",
    words=("✅",),
    whole_words=("region", "regions"),
    claim_rank=40,
)
