"""Periodic review: each document in force is reviewed every so many months, and its approver records the outcome."""
