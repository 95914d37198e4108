"""Stock purchases (进货), cloud stock (云仓) and buy-backs (回购): an agent buys from the owner
at their level price; the pages live under /console/purchases/ and the API under /api/v1/."""
