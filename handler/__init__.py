"""Broadsheet: a Jekyll blog served from S3 by AWS Lambda, rendered on demand.

A request travels web -> site -> (store, render, cache); ``handler.app`` wires them together.
"""
