"""The domain: investors, attributes, classification, matching and the records the hotline uses.

See crm_core/README.md for the service API the IVR, ACD and console call.
"""
