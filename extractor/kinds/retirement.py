"""The ``retirement`` kind: dates (ISO text, and as DATE in ``value_date``), status and
replacement per model version."""

from extractor.kinds.base import Attribute, Kind

KIND = Kind(
    name="retirement",
    subject_keys=("model", "version"),
    attributes=(Attribute("lifecycle_status", "text"), Attribute("deprecation_date", "date"),
                Attribute("retirement_date", "date"), Attribute("replacement", "text")),
    title="Retirements",
    recogniser="extractor.recognisers.retirement:RetirementRecogniser",
    words=("retire", "deprecation"),
    claim_rank=30,
)
