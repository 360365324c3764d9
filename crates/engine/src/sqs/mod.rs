//! Amazon SQS.
