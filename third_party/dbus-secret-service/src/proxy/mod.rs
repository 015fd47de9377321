// Copyright 2016-2024 dbus-secret-service Contributors
//
// Licensed under the Apache License, Version 2.0, <LICENSE-APACHE or
// http://apache.org/licenses/LICENSE-2.0> or the MIT license <LICENSE-MIT or
// http://opensource.org/licenses/MIT>, at your option. This file may not be
// copied, modified, or distributed except according to those terms.

pub mod collection;
pub mod item;
pub mod prompt;
pub mod service;

use dbus::blocking::{Connection, Proxy};
use std::time::Duration;

pub fn new_proxy<'a, 'b>(connection: &'b Connection, path: &'a str) -> Proxy<'a, &'b Connection> {
    connection.with_proxy(crate::ss::SS_DBUS_DEST, path, Duration::from_millis(2000))
}

/// psn-auth patch: a Secret Service `Secret` struct (`(oayays)`: session, parameters, value,
/// content type) as a reply holds it. dbus reads a `Vec<u8>` one byte at a time (a libdbus
/// call per byte: about 2 M instructions for a 3 KB token set, a fifth of a `psn-auth token`
/// call); its `&[u8]` reads the array whole, which is copied out once here.
pub(crate) struct SecretReply(pub(crate) (dbus::Path<'static>, Vec<u8>, Vec<u8>, String));

impl dbus::arg::Arg for SecretReply {
    const ARG_TYPE: dbus::arg::ArgType = dbus::arg::ArgType::Struct;
    fn signature() -> dbus::Signature<'static> {
        dbus::Signature::from_slice("(oayays)\0").expect("a valid signature")
    }
}

impl<'a> dbus::arg::Get<'a> for SecretReply {
    fn get(i: &mut dbus::arg::Iter<'a>) -> Option<Self> {
        let mut fields = i.recurse(dbus::arg::ArgType::Struct)?;
        let session: dbus::Path = fields.read().ok()?;
        let parameters: &[u8] = fields.read().ok()?;
        let value: &[u8] = fields.read().ok()?;
        let content_type: &str = fields.read().ok()?;
        Some(Self((
            session.into_static(),
            parameters.to_vec(),
            value.to_vec(),
            content_type.to_owned(),
        )))
    }
}
