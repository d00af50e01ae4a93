"""The ``batch_quota`` kind: enqueued-token limits per model, batch deployment type and
subscription."""

from extractor.kinds.base import Attribute, Kind

KIND = Kind(
    name="batch_quota",
    subject_keys=("model", "deployment_type", "subscription"),
    attributes=(Attribute("enqueued_tokens", "integer"),),
    title="Batch quotas",
    recogniser="extractor.recognisers.batch_quota:BatchQuotaRecogniser",
    words=("enterprise agreement",),
    claim_rank=10,  # before quota: a batch table is a quota table too
)
