//! Drawing on `<canvas>`: the diagram (producers → queues → consumers, one mark per message)
//! and the charts. Each frame draws from the view model; nothing here decides what happens.
//!
//! - [`palette`] — colours for the light and dark themes, and the message-group colours.
//! - [`layout`] — where each producer, queue, consumer and waiting message goes: a pure
//!   function of the view model and the canvas size, so it is tested without drawing.
//! - [`diagram`] — the renderer: eases marks towards their places, draws them in batches by
//!   colour, rings in-flight messages with their visibility countdown, and answers "what is
//!   under this point" for the inspector.
//! - [`sns`] — topics, their subscriptions as branches, and each published message's copies
//!   travelling down them (stopped at a filter, retried, delivered).
//! - [`kinesis`] — streams as lanes per shard, records coloured by partition key, throttles
//!   and consumers' cursors.
//! - [`charts`] — CloudWatch-style line charts of the sampled metrics (drawn with plotters' canvas backend and elements).

pub mod charts;
pub mod diagram;
pub mod kinesis;
pub mod layout;
pub mod palette;
pub mod sns;
