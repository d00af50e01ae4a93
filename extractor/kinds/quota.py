"""The ``quota`` kind: integer TPM / RPM per model, deployment type, tier (and region where a
table has one)."""

from extractor.kinds.base import Attribute, Kind

KIND = Kind(
    name="quota",
    subject_keys=("model", "deployment_type", "tier", "region"),
    attributes=(Attribute("tpm", "integer", "TPM"), Attribute("rpm", "integer", "RPM")),
    title="Quotas",
    recogniser="extractor.recognisers.quota:QuotaRecogniser",
    words=("tokens per minute", "requests per minute"),
    whole_words=("tpm",),
    claim_rank=20,
)
