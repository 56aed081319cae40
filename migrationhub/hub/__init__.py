"""The connection hub: requests for support, offers, explainable matching and consortia."""
