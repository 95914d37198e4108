"""Customers in and out of spreadsheets: the import of an .xlsx or CSV file (upload, preview,
import, merged by mobile number) and the export of the customer list to Excel."""
