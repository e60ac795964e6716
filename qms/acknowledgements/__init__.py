"""Read-and-acknowledge: a revision taking effect asks its readers to read it; each confirms «Tôi đã đọc và hiểu»."""
