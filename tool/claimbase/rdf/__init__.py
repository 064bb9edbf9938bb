"""The labelled graph as linked data: the vocabulary mapping (`vocab`), the triples (`export`),
their writers (`turtle`: Turtle, N-Triples, JSON-LD), GraphML and JSON (`plain`), reading an
export back (`load`) and SPARQL over it (`query`).  See docs/linked-data.md and schema/README.md."""
